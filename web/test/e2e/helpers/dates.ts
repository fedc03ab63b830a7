import { DateTime } from 'luxon';

export const LAB_ZONE = 'Asia/Ho_Chi_Minh';

/**
 * A weekday at least `minDays` ahead, in the lab's zone, that is not a closure: the demo leaves
 * the calendar free from the week after next on (but for public holidays).
 */
export function freeWeekday(minDays: number, closures: Array<{ from: string; to: string }> = [], offset = 0): string {
  let day = DateTime.now().setZone(LAB_ZONE).startOf('day').plus({ days: minDays });
  let skipped = 0;
  for (;;) {
    const iso = day.toISODate() as string;
    const closed = closures.some((c) => c.from <= iso && iso <= c.to);
    if (day.weekday <= 5 && !closed) {
      if (skipped === offset) return iso;
      skipped += 1;
    }
    day = day.plus({ days: 1 });
  }
}
