export const statsKeys = {
  all: ['stats'] as const,
  monthly: (month: string, labId?: string) => [...statsKeys.all, 'monthly', month, labId ?? 'all'] as const,
  trend: (from: string, to: string, labId?: string) => [...statsKeys.all, 'trend', from, to, labId ?? 'all'] as const,
};
