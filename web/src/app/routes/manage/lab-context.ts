// What the lab's manage layout hands to each of its tabs, in a module of its own so that tabs in
// separate files can read it without importing the layout.
import type { LabWithClosures, Machine } from '@fablab/shared';
import { useOutletContext } from 'react-router';
import type { MachineLookup } from '../../../features/bookings/components/booking-lookup';

export interface LabContext {
  lab: LabWithClosures;
  machines: Machine[];
  lookup: MachineLookup;
  /** The department reads a lab's maintenance and incidents, and changes nothing. */
  readOnly: boolean;
}

export function useLabContext() {
  return useOutletContext<LabContext>();
}
