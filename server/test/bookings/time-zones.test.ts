import { timeZoneCases } from './time-zone-cases.js';

timeZoneCases('server in its own time zone');
