export * from './labs.js';
export * from './accounts.js';
export * from './bookings.js';
export * from './usage.js';
export * from './notifications.js';
export * from './throttle.js';
export * from './devices.js';
export * from './machine-types.js';
