// Schemas of the machine types (managed by administrators) and of the labs' recognition of one
// another's certifications per machine type.
import { Type, type Static } from 'typebox';
import { Instant, Slug, Title, Uuid } from './schemas.js';

export const MachineType = Type.Object({ slug: Slug, name: Type.String(), nameVi: Type.String() });
export type MachineType = Static<typeof MachineType>;

export const MachineTypeBody = Type.Object({ slug: Slug, name: Title, nameVi: Title }, { additionalProperties: false });
export type MachineTypeBody = Static<typeof MachineTypeBody>;

/** The slug is what machines, certifications and statistics key on: only the names change. */
export const MachineTypePatchBody = Type.Object(
  { name: Type.Optional(Title), nameVi: Type.Optional(Title) },
  { additionalProperties: false },
);
export type MachineTypePatchBody = Static<typeof MachineTypePatchBody>;

/** Lab `labId` accepts certifications granted in `recognizedLabId` for machines of `machineType`. */
export const Recognition = Type.Object({
  labId: Uuid,
  recognizedLabId: Uuid,
  machineType: Slug,
  createdBy: Type.Union([Uuid, Type.Null()]),
  createdAt: Instant,
});
export type Recognition = Static<typeof Recognition>;

export const RecognitionBody = Type.Object(
  { recognizedLabId: Uuid, machineType: Slug },
  { additionalProperties: false },
);
export type RecognitionBody = Static<typeof RecognitionBody>;
