export const calendarFeedKeys = {
  all: ['calendar-feed'] as const,
  mine: () => [...calendarFeedKeys.all, 'mine'] as const,
};
