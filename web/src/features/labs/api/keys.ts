import { sharedKeys } from '../../../lib/query-keys';

export const labKeys = {
  all: sharedKeys.labs,
  lists: () => [...labKeys.all, 'list'] as const,
  detail: (labId: string) => [...labKeys.all, 'detail', labId] as const,
  machines: (labId: string) => [...labKeys.all, 'machines', labId] as const,
};
