export * from './enums.js';
export * from './schemas.js';
export * from './time.js';
export * from './bookings.js';
export * from './usage.js';
export * from './stats.js';
export * from './notifications.js';
export * from './devices.js';
