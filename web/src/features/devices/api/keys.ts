// The devices feature's queries. Starting, stopping and switching a machine also change what the
// bookings feature shows (a booking checked in, the status board), so those mutations invalidate
// its 'bookings' keys too, by their shared prefix.
export const deviceKeys = {
  all: ['devices'] as const,
  lab: (labId: string) => [...deviceKeys.all, 'lab', labId] as const,
  unknownCards: (labId: string) => [...deviceKeys.all, 'unknown-cards', labId] as const,
  cards: () => [...deviceKeys.all, 'cards'] as const,
  userCards: (userId: string) => [...deviceKeys.cards(), 'user', userId] as const,
  myCards: () => [...deviceKeys.cards(), 'me'] as const,
  machine: (machineId: string) => [...deviceKeys.all, 'machine', machineId] as const,
};

/** What the bookings feature keeps under 'bookings': bookings, availability, the status board. */
export const BOOKINGS_PREFIX = ['bookings'] as const;
