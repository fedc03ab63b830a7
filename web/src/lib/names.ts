// Display names of labs and machine types, in the interface language.
import type { Lab } from '@fablab/shared';
import { useTranslation } from 'react-i18next';

export function labName(lab: Pick<Lab, 'name' | 'nameVi'>, locale: string): string {
  return locale === 'vi' ? lab.nameVi || lab.name : lab.name || lab.nameVi;
}

/** A free slug no catalogue names yet reads as words: "laser_cutter" → "Laser cutter". */
function humanize(slug: string): string {
  const words = slug.replace(/[_-]+/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export function useNames() {
  const { t, i18n } = useTranslation();
  return {
    lab: (lab: Pick<Lab, 'name' | 'nameVi'>) => labName(lab, i18n.language),
    machineType: (type: string) => t(`machineTypes.${type}`, { defaultValue: humanize(type) }),
  };
}
