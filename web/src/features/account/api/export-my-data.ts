import { useMutation } from '@tanstack/react-query';
import { apiDownload, saveBlob } from '../../../lib/api-client';

/** Everything the service keeps about the member, as the JSON file the server names. */
export async function exportMyData(): Promise<string> {
  const { blob, fileName } = await apiDownload('/me/export');
  saveBlob(blob, fileName);
  return fileName;
}

export function useExportMyData() {
  return useMutation({ mutationFn: exportMyData });
}
