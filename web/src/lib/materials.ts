// A lab's materials catalogue, read and added to from three features (a booking's check-out, a
// walk-in, the lab's settings): its endpoints live here rather than in one of them.
import type { Material, MaterialBody, MaterialPatchBody } from '@fablab/shared';
import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from './api-client';
import { sharedKeys } from './query-keys';

export function getMaterials(labId: string, signal?: AbortSignal): Promise<{ items: Material[]; total: number }> {
  return apiRequest(`/labs/${labId}/materials`, { signal });
}

export function materialsQueryOptions(labId: string) {
  return queryOptions({
    queryKey: sharedKeys.materials(labId),
    queryFn: ({ signal }) => getMaterials(labId, signal),
    select: (data) => data.items,
  });
}

export function useMaterials(labId: string) {
  return useQuery(materialsQueryOptions(labId));
}

export function createMaterial(labId: string, body: MaterialBody): Promise<Material> {
  return apiRequest(`/labs/${labId}/materials`, { method: 'POST', body });
}

export function useCreateMaterial(labId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: MaterialBody) => createMaterial(labId, body),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: sharedKeys.materials(labId) }),
  });
}

export function updateMaterial(labId: string, materialId: string, body: MaterialPatchBody): Promise<Material> {
  return apiRequest(`/labs/${labId}/materials/${materialId}`, { method: 'PATCH', body });
}

export function useUpdateMaterial(labId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ materialId, body }: { materialId: string; body: MaterialPatchBody }) =>
      updateMaterial(labId, materialId, body),
    // Sessions name their materials as the catalogue does: the usage lists show the new name too.
    onSuccess: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: sharedKeys.materials(labId) }),
        queryClient.invalidateQueries({ queryKey: sharedKeys.usage }),
      ]),
  });
}

/** "PLA (g)": how a picker names an entry. */
export function materialLabel(material: Pick<Material, 'name' | 'unit'>): string {
  return `${material.name} (${material.unit})`;
}

/** A price as people in Vietnam write it: "120.000 ₫", the sign kept beside the amount. */
export function formatVnd(amount: number, locale: string): string {
  return `${new Intl.NumberFormat(locale === 'vi' ? 'vi-VN' : 'en-GB', { maximumFractionDigits: 0 }).format(amount)}\u00a0₫`;
}

/** The price typed as text ("120.000"): null when empty, NaN when it is not a whole amount. */
export function parseVnd(text: string): number | null {
  const digits = text.replace(/[\s.,₫]/g, '');
  if (digits === '') return null;
  if (!/^\d{1,10}$/.test(digits)) return Number.NaN;
  const value = Number(digits);
  return value <= 1_000_000_000 ? value : Number.NaN;
}
