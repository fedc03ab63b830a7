// Where a wall-clock time of a machine's column is on screen, read from react-big-calendar's
// own layout (header order, gutter labels, hour groups), so that tests click and drag like a person.
import type { Page } from 'playwright-core';

export interface Point {
  x: number;
  y: number;
}

export async function slotPoint(page: Page, machineName: string, hhmm: string, column?: number): Promise<Point> {
  const point = await page.evaluate(
    ({ machineName, hhmm, column }) => {
      const headers = [...document.querySelectorAll('.rbc-row-resource .rbc-header')];
      const index =
        column ??
        headers.findIndex((h) => (h.querySelector('.resource-title')?.textContent ?? '').trim() === machineName);
      if (index < 0) throw new Error(`No column for ${machineName}: ${headers.map((h) => h.textContent).join(' | ')}`);
      const slots = document.querySelectorAll('.rbc-time-content > .rbc-day-slot');
      const col = slots[index] as HTMLElement | undefined;
      if (!col) throw new Error(`No day column ${index}`);
      const groups = col.querySelectorAll('.rbc-timeslot-group');
      const first =
        document.querySelector('.rbc-time-gutter .rbc-timeslot-group .rbc-label')?.textContent?.trim() ?? '00:00';
      const toMin = (s: string) => Number(s.slice(0, 2)) * 60 + Number(s.slice(3, 5));
      const group = groups[0] as HTMLElement;
      const box = col.getBoundingClientRect();
      const hourHeight = group.getBoundingClientRect().height;
      const y = box.top + ((toMin(hhmm) - toMin(first)) / 60) * hourHeight;
      return { x: box.left + box.width / 2, y };
    },
    { machineName, hhmm, column },
  );
  return point;
}

/** Scrolls the page so that all the times are on screen together, then returns their points. */
async function stablePoints(page: Page, machineName: string, times: string[], column?: number): Promise<Point[]> {
  // Parts of the page above the calendar may still be loading and push it down: wait until still.
  let last = '';
  for (let i = 0; i < 20; i += 1) {
    const points = await Promise.all(times.map((time) => slotPoint(page, machineName, time, column)));
    const key = JSON.stringify(points);
    if (key === last) return points;
    last = key;
    await page.waitForTimeout(150);
  }
  return JSON.parse(last) as Point[];
}

export async function visibleSlotPoints(
  page: Page,
  machineName: string,
  times: string[],
  column?: number,
): Promise<Point[]> {
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const points = await stablePoints(page, machineName, times, column);
    const top = Math.min(...points.map((p) => p.y));
    const bottom = Math.max(...points.map((p) => p.y));
    const x = points[0]!.x;
    // The calendar scrolls inside its own box (sticky hours and headers), and the page around it.
    const moved = await page.evaluate(
      ({ x, top, bottom }) => {
        const scroller = document.querySelector('.calendar-scroll') as HTMLElement | null;
        if (!scroller) return false;
        const box = scroller.getBoundingClientRect();
        const header = document.querySelector('.calendar-scroll .rbc-time-header')?.getBoundingClientRect().height ?? 0;
        const gutter =
          document.querySelector('.calendar-scroll .rbc-time-content > .rbc-time-gutter')?.getBoundingClientRect()
            .width ?? 0;
        let changed = false;
        const visibleTop = box.top + header + 8;
        const visibleBottom = box.bottom - 12;
        if (top < visibleTop || bottom > visibleBottom) {
          scroller.scrollTop += (top + bottom) / 2 - (visibleTop + visibleBottom) / 2;
          changed = true;
        }
        if (x < box.left + gutter + 5 || x > box.right - 10) {
          scroller.scrollLeft += x - (box.left + gutter + box.right) / 2;
          changed = true;
        }
        const after = scroller.getBoundingClientRect();
        if (after.top < 60 || after.bottom > window.innerHeight - 10) {
          window.scrollBy(0, after.top - 70);
          changed = true;
        }
        return changed;
      },
      { x, top, bottom },
    );
    if (!moved) return points;
  }
  return stablePoints(page, machineName, times, column);
}

export async function visibleSlotPoint(page: Page, machineName: string, time: string, column?: number): Promise<Point> {
  return (await visibleSlotPoints(page, machineName, [time], column))[0]!;
}

/** Presses at `from`, moves in steps to `to`, releases: react-big-calendar's drag selection. */
export async function dragBetween(page: Page, from: Point, to: Point): Promise<void> {
  await page.mouse.move(from.x, from.y + 3);
  await page.mouse.down();
  await page.mouse.move(from.x, from.y + 10, { steps: 3 });
  await page.mouse.move(to.x, to.y - 3, { steps: 8 });
  await page.mouse.up();
}
