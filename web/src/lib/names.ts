// Display names of labs and machine types, in the interface language.
import type { Lab, MachineType } from '@fablab/shared';
import { createContext, useContext, useMemo } from 'react';
import { useTranslation } from 'react-i18next';

export function labName(lab: Pick<Lab, 'name' | 'nameVi'>, locale: string): string {
  return locale === 'vi' ? lab.nameVi || lab.name : lab.name || lab.nameVi;
}

/** The machine types administrators manage, provided once for the app (features/machine-types). */
export const MachineTypesContext = createContext<readonly MachineType[]>([]);

/** A free slug no catalogue names yet reads as words: "laser_cutter" → "Laser cutter". */
function humanize(slug: string): string {
  const words = slug.replace(/[_-]+/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export function useNames() {
  const { t, i18n } = useTranslation();
  const types = useContext(MachineTypesContext);
  const bySlug = useMemo(() => new Map(types.map((type) => [type.slug, type])), [types]);
  return {
    lab: (lab: Pick<Lab, 'name' | 'nameVi'>) => labName(lab, i18n.language),
    machineType: (type: string) => {
      const named = bySlug.get(type);
      return named ? labName(named, i18n.language) : t(`machineTypes.${type}`, { defaultValue: humanize(type) });
    },
    /** Every machine type's slug, for the selects that offer them. */
    machineTypeSlugs: types.map((type) => type.slug),
  };
}
