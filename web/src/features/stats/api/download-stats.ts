import type { Locale, StatsFormat } from '@fablab/shared';
import { useMutation } from '@tanstack/react-query';
import { apiDownload, saveBlob } from '../../../lib/api-client';

/** The month's figures as a file, fetched with the token and saved under the server's file name. */
export async function downloadMonthlyStats(
  month: string,
  labId: string | undefined,
  format: Exclude<StatsFormat, 'json'>,
  lang: Locale,
) {
  const { blob, fileName } = await apiDownload('/stats/monthly', { month, labId, format, lang });
  saveBlob(blob, fileName);
  return fileName;
}

export function useDownloadMonthlyStats() {
  return useMutation({
    mutationFn: ({
      month,
      labId,
      format,
      lang,
    }: {
      month: string;
      labId?: string;
      format: 'csv' | 'xlsx';
      lang: Locale;
    }) => downloadMonthlyStats(month, labId, format, lang),
  });
}
