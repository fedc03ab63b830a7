// The lab's calendar: react-big-calendar in the lab's time zone, one column per machine in the
// day view (or one machine over a week), with busy, maintenance and closed time drawn apart.
import type { BookingStatus } from '@fablab/shared';
import { DateTime } from 'luxon';
import { useCallback, useMemo } from 'react';
import { Calendar, type EventPropGetter, type Formats, type SlotInfo } from 'react-big-calendar';
import dragAndDropModule, { type EventInteractionArgs } from 'react-big-calendar/lib/addons/dragAndDrop';
import 'react-big-calendar/lib/addons/dragAndDrop/styles.css';
import 'react-big-calendar/lib/css/react-big-calendar.css';
import { useTranslation } from 'react-i18next';
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

const components = { resourceHeader: ResourceHeader };
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
  background: CalendarEntry[];
  minTime: string;
  maxTime: string;
  step: number;
  onSelectSlot?: (slot: SlotSelection) => void;
  onSelectEntry?: (entry: CalendarEntry) => void;
  onMoveEntry?: (entry: CalendarEntry, start: Date, end: Date, machineId: string) => void;
  /** Whether a range may be chosen on this machine (free of busy and closed time). */
  canSelect?: (machineId: string, start: Date, end: Date) => boolean;
  height?: number;
}

// The addon is CommonJS. With Node-style interop (this package is "type": "module") the default
// import is module.exports, whose `default` is the function; other bundlers unwrap it already.
const withDragAndDrop =
  (dragAndDropModule as unknown as { default?: typeof dragAndDropModule }).default ?? dragAndDropModule;
const DnDCalendar = withDragAndDrop<CalendarEntry, CalendarMachine>(Calendar);

export function LabCalendar(props: LabCalendarProps) {
  const { t, i18n } = useTranslation();
  const { zone, machines, onSelectSlot, onSelectEntry, onMoveEntry, canSelect, view, step } = props;
  const localizer = zonedLocalizer(zone);

  const formats = useMemo<Formats>(
    () => ({
      timeGutterFormat: 'HH:mm',
      eventTimeRangeFormat: ({ start, end }, culture, l) =>
        `${l!.format(start, 'HH:mm', culture)}–${l!.format(end, 'HH:mm', culture)}`,
      selectRangeFormat: ({ start, end }, culture, l) =>
        `${l!.format(start, 'HH:mm', culture)}–${l!.format(end, 'HH:mm', culture)}`,
      dayFormat: 'ccc dd/MM',
      dayHeaderFormat: 'cccc dd/MM/yyyy',
      dayRangeHeaderFormat: ({ start, end }, culture, l) =>
        `${l!.format(start, 'dd/MM', culture)} – ${l!.format(end, 'dd/MM/yyyy', culture)}`,
    }),
    [],
  );

  const messages = useMemo(
    () => ({
      today: t('calendar.today'),
      previous: t('calendar.previous'),
      next: t('calendar.next'),
      day: t('calendar.day'),
      week: t('calendar.week'),
      noEventsInRange: t('calendar.noEvents'),
      showMore: (n: number) => t('calendar.showMore', { count: n }),
    }),
    [t],
  );

  const eventPropGetter = useCallback<EventPropGetter<CalendarEntry>>(
    (entry) => ({
      className: `entry entry-${entry.kind}${entry.status ? ` entry-status-${entry.status}` : ''}`,
    }),
    [],
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
    ({ event, start, end, resourceId }: EventInteractionArgs<CalendarEntry>) => {
      if (!onMoveEntry) return;
      const machineId = (resourceId as string | undefined) ?? event.machineId;
      onMoveEntry(event, new Date(start), new Date(end), machineId);
    },
    [onMoveEntry],
  );

  // Only what the view shows reaches react-big-calendar: it compares every event with every
  // column through the localizer, which is where its time goes.
  const { entries: allEntries, background: allBackground, date } = props;
  const [visible, visibleBackground] = useMemo(() => {
    const start = DateTime.fromJSDate(date, { zone }).startOf(view === 'week' ? 'week' : 'day');
    const from = start.toMillis();
    const to = start.plus(view === 'week' ? { weeks: 1 } : { days: 1 }).toMillis();
    const inView = (e: CalendarEntry) => e.start.getTime() < to && e.end.getTime() > from;
    return [allEntries.filter(inView), allBackground.filter(inView)];
  }, [allEntries, allBackground, date, view, zone]);
  const min = useMemo(() => labTimeOfDay(zone, props.minTime), [zone, props.minTime]);
  const max = useMemo(() => labTimeOfDay(zone, props.maxTime), [zone, props.maxTime]);
  const slotsPerHour = Math.max(1, Math.round(60 / step));
  const columnCount = view === 'day' ? machines.length : 7;

  return (
    <div className="calendar-scroll" role="region" aria-label={t('calendar.region')} tabIndex={0}>
      <div
        className="calendar-inner"
        style={{ minWidth: `max(100%, ${columnCount * (view === 'day' ? 118 : 90) + 60}px)` }}
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
          date={props.date}
          onNavigate={props.onNavigate}
          events={visible}
          backgroundEvents={visibleBackground}
          // One machine over a week needs no resource row: its name is in the toolbar already.
          resources={view === 'day' ? machines : undefined}
          resourceIdAccessor="id"
          resourceTitleAccessor="title"
          resourceAccessor="machineId"
          tooltipAccessor={(entry) => entry.title}
          eventPropGetter={eventPropGetter}
          step={step}
          timeslots={slotsPerHour}
          min={min}
          max={max}
          scrollToTime={min}
          selectable={Boolean(onSelectSlot)}
          onSelectSlot={handleSelectSlot}
          onSelecting={handleSelecting}
          onSelectEvent={onSelectEntry}
          draggableAccessor={(entry) => Boolean(entry.draggable && onMoveEntry)}
          resizableAccessor={(entry) => Boolean(entry.draggable && onMoveEntry)}
          onEventDrop={move}
          onEventResize={move}
          longPressThreshold={250}
          style={{ height: props.height ?? 720 }}
          dayLayoutAlgorithm="no-overlap"
          getNow={getNow}
          components={components}
        />
      </div>
    </div>
  );
}
