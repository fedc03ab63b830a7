import type { CertificationListQuery } from '@fablab/shared';

export const certificationKeys = {
  all: ['certifications'] as const,
  lists: () => [...certificationKeys.all, 'list'] as const,
  list: (filters: CertificationListQuery) => [...certificationKeys.lists(), filters] as const,
  recognitions: (labId: string) => [...certificationKeys.all, 'recognitions', labId] as const,
};
