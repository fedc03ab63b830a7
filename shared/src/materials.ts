// Schemas of a lab's materials catalogue, and of the materials a usage session records: an entry of
// the catalogue by id, or (from the lab's managers, and from partner systems that always sent it)
// free text matched to the catalogue case-insensitively.
import { Type, type Static } from 'typebox';
import { Uuid } from './schemas.js';

export const MaterialName = Type.String({ minLength: 1, maxLength: 200 });
export const MaterialUnit = Type.String({ minLength: 1, maxLength: 40 });
/** Vietnamese đồng per unit, an integer. */
export const PriceVnd = Type.Integer({ minimum: 0, maximum: 1_000_000_000 });
const Quantity = Type.Number({ minimum: 0, maximum: 1_000_000_000 });

/** An entry of a lab's catalogue; `priceVnd` only where the lab set one. */
export const Material = Type.Object({
  id: Uuid,
  labId: Uuid,
  name: Type.String(),
  unit: Type.String(),
  priceVnd: Type.Optional(Type.Integer()),
});
export type Material = Static<typeof Material>;

export const MaterialBody = Type.Object(
  { name: MaterialName, unit: MaterialUnit, priceVnd: Type.Optional(Type.Union([PriceVnd, Type.Null()])) },
  { additionalProperties: false },
);
export type MaterialBody = Static<typeof MaterialBody>;

/** Rename, change the unit, set or clear (null) the price. */
export const MaterialPatchBody = Type.Partial(MaterialBody, { additionalProperties: false });
export type MaterialPatchBody = Static<typeof MaterialPatchBody>;

/** A quantity of an entry of the machine's lab's catalogue: what the screens send. */
export const CatalogueMaterialUse = Type.Object(
  { materialId: Uuid, quantity: Quantity },
  { additionalProperties: false },
);
export type CatalogueMaterialUse = Static<typeof CatalogueMaterialUse>;

/**
 * A quantity named in free text: matched to the lab's entry of that name and unit whatever the
 * case; a lab's manager who names a material the catalogue lacks adds it.
 */
export const FreeTextMaterialUse = Type.Object(
  { material: MaterialName, quantity: Quantity, unit: MaterialUnit },
  { additionalProperties: false },
);
export type FreeTextMaterialUse = Static<typeof FreeTextMaterialUse>;

/** What check-out, walk-ins and ending a session accept, per material. */
export const MaterialUse = Type.Union([CatalogueMaterialUse, FreeTextMaterialUse]);
export type MaterialUse = Static<typeof MaterialUse>;
export const MaterialUses = Type.Array(MaterialUse, { maxItems: 50 });

/**
 * A material recorded on a session, named as its catalogue entry is now (a rename corrects the
 * history too); `materialId` is null only for a row no entry could be made for.
 */
export const RecordedMaterial = Type.Object({
  materialId: Type.Union([Uuid, Type.Null()]),
  material: Type.String(),
  unit: Type.String(),
  quantity: Type.Number(),
});
export type RecordedMaterial = Static<typeof RecordedMaterial>;

export const isCatalogueUse = (use: MaterialUse): use is CatalogueMaterialUse => 'materialId' in use;
