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
  const points = await stablePoints(page, machineName, times, column);
  const viewport = page.viewportSize();
  const top = Math.min(...points.map((p) => p.y));
  const bottom = Math.max(...points.map((p) => p.y));
  const x = points[0]!.x;
  if (viewport && (top < 80 || bottom > viewport.height - 30 || x > viewport.width - 10 || x < 0)) {
    await page.evaluate(
      ({ x, middle }) => {
        window.scrollBy(0, middle - window.innerHeight / 2);
        const scroller = document.querySelector('.calendar-scroll');
        if (scroller && (x > window.innerWidth - 10 || x < 0)) scroller.scrollLeft += x - window.innerWidth / 2;
      },
      { x, middle: (top + bottom) / 2 },
    );
    return stablePoints(page, machineName, times, column);
  }
  return points;
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
