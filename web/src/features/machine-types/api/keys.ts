export const machineTypeKeys = {
  all: ['machine-types'] as const,
  list: () => [...machineTypeKeys.all, 'list'] as const,
};
