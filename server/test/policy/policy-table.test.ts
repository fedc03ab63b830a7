// The policy's table itself: every action × every kind of caller, for a resource of one lab owned
// by one member. The route-level authorization matrix (hardening/authorization.test.ts) checks what
// the API answers; this one reads the decisions from the policy module, so a rule changed there
// shows here first, and a rule nobody asks any more is reported.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { RULES, can, type Action, type Actor } from '../../src/plugins/policy.js';

const LAB = 'lab-here';
const OTHER_LAB = 'lab-other';
const OWNER = 'owner-id';

const callers: Record<string, Actor> = {
  member: { id: 'member-id', role: 'member', managedLabIds: [], fullName: 'M', email: 'm@x', locale: 'vi' },
  owner: { id: OWNER, role: 'member', managedLabIds: [], fullName: 'O', email: 'o@x', locale: 'vi' },
  managerHere: { id: 'mh', role: 'manager', managedLabIds: [LAB], fullName: 'MH', email: 'mh@x', locale: 'vi' },
  managerOther: { id: 'mo', role: 'manager', managedLabIds: [OTHER_LAB], fullName: 'MO', email: 'mo@x', locale: 'vi' },
  department: { id: 'd', role: 'department', managedLabIds: [], fullName: 'D', email: 'd@x', locale: 'vi' },
  admin: { id: 'a', role: 'admin', managedLabIds: [], fullName: 'A', email: 'a@x', locale: 'vi' },
};

// Allowed, in the order member, owner, managerHere, managerOther, department, admin.
const Y = true;
const N = false;
const EXPECTED: Record<Action, [boolean, boolean, boolean, boolean, boolean, boolean]> = {
  'lab.manage': [N, N, Y, N, N, Y],
  'lab.create': [N, N, N, N, N, Y],
  'lab.edit_identity': [N, N, N, N, N, Y],
  'machine_type.manage': [N, N, N, N, N, Y],
  'material.manage': [N, N, Y, N, N, Y],
  'lab.read_records': [N, N, Y, N, Y, Y],
  'lab.read_audit': [N, N, Y, N, N, Y],
  'audit.read': [N, N, Y, Y, N, Y],
  'stats.read': [N, N, Y, N, Y, Y],
  'feed.labs': [N, N, Y, Y, N, Y],
  'booking.read': [N, Y, Y, N, Y, Y],
  'booking.act': [N, Y, Y, N, N, Y],
  'booking.decide': [N, N, Y, N, N, Y],
  'booking.for_self': [Y, Y, Y, Y, N, N],
  'certification.exempt': [N, N, Y, N, N, Y],
  'person.see_name': [N, Y, Y, N, N, Y],
  'person.see_personal_data': [Y, Y, Y, Y, N, Y],
  'person.see_minor': [N, N, Y, N, N, Y],
  'guardian_consent.record': [N, N, Y, N, N, Y],
  'users.search': [N, N, Y, Y, N, Y],
  'users.administer': [N, N, N, N, N, Y],
  'users.invite': [N, N, N, N, N, Y],
  'card.assign': [N, N, Y, Y, N, Y],
  'card.read': [N, Y, Y, Y, N, Y],
  'certification.read_others': [N, N, Y, Y, N, Y],
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? sourceFiles(full) : full.endsWith('.ts') ? [full] : [];
  });
}

describe('the policy table', () => {
  it('decides every action for every kind of caller as the domain says', () => {
    const resource = { labId: LAB, userId: OWNER };
    const actual = Object.fromEntries(
      (Object.keys(RULES) as Action[]).map((action) => [action, Object.values(callers).map((actor) => can(actor, action, resource))]),
    );
    expect(actual).toEqual(EXPECTED);
    for (const action of Object.keys(RULES) as Action[]) expect(can(undefined, action, resource)).toBe(false);
  });

  it('has no rule the server no longer asks', () => {
    const src = path.resolve(import.meta.dirname, '../../src');
    const text = sourceFiles(src)
      .filter((f) => !f.endsWith(path.join('plugins', 'policy.ts')))
      .map((f) => readFileSync(f, 'utf8'))
      .join('\n');
    const unused = (Object.keys(RULES) as Action[]).filter((action) => !text.includes(`'${action}'`));
    expect(unused).toEqual([]);
  });
});
