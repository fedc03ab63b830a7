// The lab's calendar: react-big-calendar in the lab's time zone, one column per machine in the
// day view (or one machine over a week), with busy, maintenance and closed time drawn apart.
// One scroll container holds it all (sticky hours and headers); closed time is painted on the
// slots, not drawn as events, so nothing that does nothing takes focus; a tap on a touch screen
// opens a slot at once, and a drop lands where the pointer is, not where the block was grabbed.
import type { BookingStatus } from '@fablab/shared';
import { DateTime } from 'luxon';
import { useCallback, useEffect, useMemo, useRef, type PointerEvent as ReactPointerEvent } from 'react';
import { Calendar, type EventPropGetter, type Formats, type SlotInfo } from 'react-big-calendar';
import dragAndDropModule, { type EventInteractionArgs } from 'react-big-calendar/lib/addons/dragAndDrop';
import 'react-big-calendar/lib/addons/dragAndDrop/styles.css';
import 'react-big-calendar/lib/css/react-big-calendar.css';
import { useTranslation } from 'react-i18next';
import { TIME_FORMAT } from '../../../lib/datetime';
import { labTimeOfDay, zonedLocalizer } from './zoned-localizer';

export type EntryKind = 'mine' | 'booking' | 'maintenance' | 'closed' | 'managed';

export interface CalendarEntry {
  id: string;
  machineId: string;
  start: Date;
  end: Date;
  title: string;
  kind: EntryKind;
  status?: BookingStatus;
  draggable?: boolean;
  /** The booking behind the entry, when there is one the viewer may act on. */
  bookingId?: string;
}

export interface CalendarMachine {
  id: string;
  title: string;
  /** A second line under the name: its type, and what booking it needs. */
  detail?: string;
  warn?: boolean;
}

function ResourceHeader({ resource }: { resource: CalendarMachine }) {
  return (
    <span className="resource-header">
      <span className="resource-title">{resource.title}</span>
      {resource.detail && (
        <span className={resource.warn ? 'resource-detail warn' : 'resource-detail'}>{resource.detail}</span>
      )}
    </span>
  );
}

const getNow = () => new Date();

export interface SlotSelection {
  machineId: string;
  start: Date;
  end: Date;
  action: 'click' | 'select' | 'doubleClick';
}

interface LabCalendarProps {
  zone: string;
  view: 'day' | 'week';
  date: Date;
  onNavigate: (date: Date) => void;
  machines: CalendarMachine[];
  entries: CalendarEntry[];
  /** Closed time: painted on the slots it covers. */
  background: CalendarEntry[];
  minTime: string;
  maxTime: string;
  step: number;
  onSelectSlot?: (slot: SlotSelection) => void;
  onSelectEntry?: (entry: CalendarEntry) => void;
  onMoveEntry?: (entry: CalendarEntry, start: Date, end: Date, machineId: string) => void;
  /** Whether a range may be chosen on this machine (free of busy and closed time). */
  canSelect?: (machineId: string, start: Date, end: Date) => boolean;
  /** A narrow screen: the week's seven days fit its width. */
  compact?: boolean;
}

// The addon is CommonJS. With Node-style interop (this package is "type": "module") the default
// import is module.exports, whose `default` is the function; other bundlers unwrap it already.
const withDragAndDrop =
  (dragAndDropModule as unknown as { default?: typeof dragAndDropModule }).default ?? dragAndDropModule;
const DnDCalendar = withDragAndDrop<CalendarEntry, CalendarMachine>(Calendar);

/** A touch that moves further than this is a scroll, not a tap. */
const TAP_SLOP = 10;

interface Pointer {
  x: number;
  y: number;
}

export function LabCalendar(props: LabCalendarProps) {
  const { t, i18n } = useTranslation();
  const { zone, machines, onSelectSlot, onSelectEntry, onMoveEntry, canSelect, view, step, compact } = props;
  const localizer = zonedLocalizer(zone);
  const scroller = useRef<HTMLDivElement>(null);
  const lastPointer = useRef<Pointer | null>(null);
  const tap = useRef<{ x: number; y: number; left: number; top: number; id: number } | null>(null);

  const hhmm = useCallback((d: Date) => DateTime.fromJSDate(d, { zone }).toFormat(TIME_FORMAT), [zone]);

  const formats = useMemo<Formats>(
    () => ({
      timeGutterFormat: 'HH:mm',
      eventTimeRangeFormat: ({ start, end }, culture, l) =>
        `${l!.format(start, 'HH:mm', culture)}–${l!.format(end, 'HH:mm', culture)}`,
      eventTimeRangeStartFormat: ({ start, end }, culture, l) =>
        `${l!.format(start, 'HH:mm', culture)}–${l!.format(end, 'HH:mm', culture)}`,
      eventTimeRangeEndFormat: ({ start, end }, culture, l) =>
        `${l!.format(start, 'HH:mm', culture)}–${l!.format(end, 'HH:mm', culture)}`,
      selectRangeFormat: ({ start, end }, culture, l) =>
        `${l!.format(start, 'HH:mm', culture)}–${l!.format(end, 'HH:mm', culture)}`,
      dayFormat: compact ? 'ccccc dd' : 'ccc dd/MM',
      dayHeaderFormat: 'cccc dd/MM/yyyy',
      dayRangeHeaderFormat: ({ start, end }, culture, l) =>
        `${l!.format(start, 'dd/MM', culture)} – ${l!.format(end, 'dd/MM/yyyy', culture)}`,
    }),
    [compact],
  );

  // Every message the library may show, in the interface language (its defaults are English).
  const messages = useMemo(
    () => ({
      date: t('calendar.date'),
      time: t('calendar.time'),
      event: t('calendar.event'),
      allDay: t('calendar.allDay'),
      week: t('calendar.week'),
      work_week: t('calendar.week'),
      day: t('calendar.day'),
      month: t('calendar.month'),
      previous: t('calendar.previous'),
      next: t('calendar.next'),
      yesterday: t('calendar.previousDay'),
      tomorrow: t('calendar.nextDay'),
      today: t('calendar.today'),
      agenda: t('calendar.agenda'),
      noEventsInRange: t('calendar.noEvents'),
      showMore: (n: number) => t('calendar.showMore', { count: n }),
    }),
    [t],
  );

  const eventPropGetter = useCallback<EventPropGetter<CalendarEntry>>(
    (entry) => ({
      className: `entry entry-${entry.kind}${entry.status ? ` entry-status-${entry.status}` : ''}${
        entry.bookingId && onSelectEntry ? ' entry-actionable' : ''
      }`,
    }),
    [onSelectEntry],
  );

  // Closed time, per machine (or for the one machine of the week view).
  const { background } = props;
  const closedByMachine = useMemo(() => {
    const map = new Map<string, Array<[number, number]>>();
    for (const b of background) {
      const list = map.get(b.machineId) ?? [];
      list.push([b.start.getTime(), b.end.getTime()]);
      map.set(b.machineId, list);
    }
    return map;
  }, [background]);
  const slotPropGetter = useCallback(
    (date: Date, resourceId?: string | number) => {
      const machineId = (resourceId as string | undefined) ?? machines[0]?.id;
      const closed = machineId ? closedByMachine.get(machineId) : undefined;
      if (!closed) return {};
      const from = date.getTime();
      const to = from + step * 60_000;
      // A slot is closed when closed time covers it whole; one that is partly open stays free.
      return closed.some(([a, b]) => a <= from && b >= to) ? { className: 'slot-closed' } : {};
    },
    [closedByMachine, machines, step],
  );

  /** The machine and the slot's start under a point of the screen, read from the grid's layout. */
  const slotAt = useCallback(
    (point: Pointer): { machineId: string; start: Date } | null => {
      const root = scroller.current;
      if (!root) return null;
      const columns = [...root.querySelectorAll<HTMLElement>('.rbc-time-content > .rbc-day-slot')];
      const index = columns.findIndex((c) => {
        const box = c.getBoundingClientRect();
        return point.x >= box.left && point.x < box.right;
      });
      const column = columns[index];
      if (!column) return null;
      const box = column.getBoundingClientRect();
      const [minH = 0, minM = 0] = props.minTime.split(':').map(Number);
      const [maxH = 0, maxM = 0] = props.maxTime.split(':').map(Number);
      const first = minH * 60 + minM;
      const last = maxH * 60 + maxM + (props.maxTime === '23:59' ? 1 : 0);
      const minutes = first + ((point.y - box.top) / box.height) * (last - first);
      const onGrid = Math.floor(minutes / step) * step;
      if (onGrid < first || onGrid >= last) return null;
      const base = DateTime.fromJSDate(props.date, { zone });
      const day = view === 'week' ? base.startOf('week').plus({ days: index }) : base.startOf('day');
      const machineId = view === 'day' ? machines[index]?.id : machines[0]?.id;
      if (!machineId) return null;
      return {
        machineId,
        start: day.set({ hour: Math.floor(onGrid / 60), minute: onGrid % 60 }).toJSDate(),
      };
    },
    [props.minTime, props.maxTime, props.date, step, view, machines, zone],
  );

  const handleSelectSlot = useCallback(
    (slot: SlotInfo) => {
      if (!onSelectSlot) return;
      const machineId = (slot.resourceId as string | undefined) ?? machines[0]?.id;
      if (!machineId) return;
      // A click selects one slot; the dialog then stretches it to the machine's rules.
      onSelectSlot({ machineId, start: slot.start, end: slot.end, action: slot.action });
    },
    [onSelectSlot, machines],
  );

  const handleSelecting = useCallback(
    (range: { start: Date; end: Date; resourceId?: string | number }) => {
      if (!canSelect) return true;
      const machineId = (range.resourceId as string | undefined) ?? machines[0]?.id;
      return machineId ? canSelect(machineId, range.start, range.end) : false;
    },
    [canSelect, machines],
  );

  const move = useCallback(
    ({ event, start, end, resourceId }: EventInteractionArgs<CalendarEntry>, resize: boolean) => {
      if (!onMoveEntry) return;
      const from = new Date(start);
      const to = new Date(end);
      let machineId = (resourceId as string | undefined) ?? event.machineId;
      // The library moves the block by where it was grabbed; a person means the slot under the
      // pointer as the new start.
      const under = !resize && lastPointer.current ? slotAt(lastPointer.current) : null;
      if (under) {
        const length = event.end.getTime() - event.start.getTime();
        machineId = under.machineId;
        onMoveEntry(event, under.start, new Date(under.start.getTime() + length), machineId);
        return;
      }
      onMoveEntry(event, from, to, machineId);
    },
    [onMoveEntry, slotAt],
  );

  // Where the pointer is while dragging, read at the drop.
  useEffect(() => {
    const remember = (e: MouseEvent) => {
      lastPointer.current = { x: e.clientX, y: e.clientY };
    };
    window.addEventListener('mousemove', remember, true);
    window.addEventListener('mouseup', remember, true);
    return () => {
      window.removeEventListener('mousemove', remember, true);
      window.removeEventListener('mouseup', remember, true);
    };
  }, []);

  // The library draws week headers as column headers outside any table, and every block as a
  // button. Only blocks that open something stay buttons; the rest are plain text.
  useEffect(() => {
    const root = scroller.current;
    if (!root) return;
    const tidy = () => {
      for (const el of root.querySelectorAll('[role="columnheader"]')) {
        el.removeAttribute('role');
        el.removeAttribute('aria-sort');
      }
      for (const el of root.querySelectorAll<HTMLElement>('.rbc-event:not(.entry-actionable)[role="button"]')) {
        el.removeAttribute('role');
        el.tabIndex = -1;
      }
      for (const el of root.querySelectorAll<HTMLElement>('.rbc-event.entry-actionable:not([role])')) {
        el.setAttribute('role', 'button');
        el.tabIndex = 0;
      }
    };
    tidy();
    const observer = new MutationObserver(tidy);
    observer.observe(root, { childList: true, subtree: true, attributes: true, attributeFilter: ['class'] });
    return () => observer.disconnect();
  }, []);

  // A tap on a touch screen opens the slot at once; a touch that scrolls is cancelled by the
  // browser (pointercancel) or moves the scroller, and opens nothing.
  const onPointerDown = (e: ReactPointerEvent) => {
    if (e.pointerType !== 'touch' || !onSelectSlot) return;
    const root = scroller.current;
    tap.current = {
      x: e.clientX,
      y: e.clientY,
      left: root?.scrollLeft ?? 0,
      top: root?.scrollTop ?? 0,
      id: e.pointerId,
    };
  };
  const onPointerUp = (e: ReactPointerEvent) => {
    const started = tap.current;
    tap.current = null;
    if (!started || e.pointerType !== 'touch' || started.id !== e.pointerId || !onSelectSlot) return;
    const root = scroller.current;
    const scrolled =
      Math.abs((root?.scrollLeft ?? 0) - started.left) > 2 || Math.abs((root?.scrollTop ?? 0) - started.top) > 2;
    if (scrolled || Math.hypot(e.clientX - started.x, e.clientY - started.y) > TAP_SLOP) return;
    const target = e.target as HTMLElement;
    if (target.closest('.rbc-event')) return;
    const slot = slotAt({ x: e.clientX, y: e.clientY });
    if (!slot) return;
    onSelectSlot({
      machineId: slot.machineId,
      start: slot.start,
      end: new Date(slot.start.getTime() + step * 60_000),
      action: 'click',
    });
  };

  // Only what the view shows reaches react-big-calendar: it compares every event with every
  // column through the localizer, which is where its time goes.
  const { entries: allEntries, date } = props;
  const visible = useMemo(() => {
    const start = DateTime.fromJSDate(date, { zone }).startOf(view === 'week' ? 'week' : 'day');
    const from = start.toMillis();
    const to = start.plus(view === 'week' ? { weeks: 1 } : { days: 1 }).toMillis();
    return allEntries.filter((e) => e.start.getTime() < to && e.end.getTime() > from);
  }, [allEntries, date, view, zone]);
  const min = useMemo(() => labTimeOfDay(zone, props.minTime), [zone, props.minTime]);
  const max = useMemo(() => labTimeOfDay(zone, props.maxTime), [zone, props.maxTime]);
  const slotsPerHour = Math.max(1, Math.round(60 / step));
  const columnCount = view === 'day' ? machines.length : 7;
  const columnWidth = view === 'day' ? 118 : compact ? 40 : 90;
  const components = useMemo(() => ({ resourceHeader: ResourceHeader }), []);

  return (
    <div
      ref={scroller}
      className={compact ? 'calendar-scroll calendar-compact' : 'calendar-scroll'}
      role="region"
      aria-label={t('calendar.region')}
      tabIndex={0}
      onPointerDown={onPointerDown}
      onPointerUp={onPointerUp}
      onPointerCancel={() => (tap.current = null)}
    >
      <div
        className="calendar-inner"
        style={{ minWidth: `max(100%, ${columnCount * columnWidth + (compact ? 44 : 60)}px)` }}
      >
        <DnDCalendar
          localizer={localizer}
          culture={i18n.language}
          formats={formats}
          messages={messages}
          toolbar={false}
          view={view}
          views={['day', 'week']}
          onView={() => undefined}
          // Day headers are plain text: the view buttons above change the view.
          drilldownView={null}
          date={props.date}
          onNavigate={props.onNavigate}
          events={visible}
          // One machine over a week needs no resource row: its name is in the toolbar already.
          resources={view === 'day' ? machines : undefined}
          resourceIdAccessor="id"
          resourceTitleAccessor="title"
          resourceAccessor="machineId"
          tooltipAccessor={(entry) => `${entry.title} · ${hhmm(entry.start)}–${hhmm(entry.end)}`}
          eventPropGetter={eventPropGetter}
          slotPropGetter={slotPropGetter}
          step={step}
          timeslots={slotsPerHour}
          min={min}
          max={max}
          scrollToTime={min}
          selectable={Boolean(onSelectSlot)}
          onSelectSlot={handleSelectSlot}
          onSelecting={handleSelecting}
          onSelectEvent={onSelectEntry}
          onKeyPressEvent={(entry, e) => {
            const key = (e as unknown as KeyboardEvent).key;
            if (onSelectEntry && entry.bookingId && (key === 'Enter' || key === ' ')) {
              e.preventDefault();
              onSelectEntry(entry);
            }
          }}
          draggableAccessor={(entry) => Boolean(entry.draggable && onMoveEntry)}
          resizableAccessor={(entry) => Boolean(entry.draggable && onMoveEntry)}
          onEventDrop={(args) => move(args, false)}
          onEventResize={(args) => move(args, true)}
          // Touch selection is the tap handler above: the library's own waits for a long press,
          // and a finger resting before a scroll would select.
          longPressThreshold={60_000}
          dayLayoutAlgorithm="no-overlap"
          getNow={getNow}
          components={components}
        />
      </div>
    </div>
  );
}
