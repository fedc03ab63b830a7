// The query keys that more than one feature reads or invalidates, in one place: a feature's own
// key factory (features/<feature>/api/keys.ts) builds on these roots, and another feature that
// must refresh them imports them from here, never from that feature.
export const sharedKeys = {
  /** Every booking list, availability, live status and maintenance window hang under it. */
  bookings: ['bookings'] as const,
  /** A lab's live machine status (who is using what): usage changes it too. */
  labStatus: (labId?: string) =>
    labId ? ([...sharedKeys.bookings, 'status', labId] as const) : ([...sharedKeys.bookings, 'status'] as const),
  /** Usage sessions and incidents: checking in or out changes them too. */
  usage: ['usage'] as const,
  /** A lab's materials catalogue: check-out, walk-ins and the lab's settings read it, and a manager adds to it from each. */
  materials: (labId?: string) => (labId ? (['materials', labId] as const) : (['materials'] as const)),
  /** Labs and machines: public, kept when someone signs out. */
  labs: ['labs'] as const,
  /** Who is signed in. */
  auth: ['auth'] as const,
  /** Pages for people without an account (a guardian's consent link): no session's, never dropped with one. */
  public: ['public'] as const,
};
