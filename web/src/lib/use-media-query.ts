import { useSyncExternalStore } from 'react';

/** Whether a media query matches now, following the screen as it changes. */
export function useMediaQuery(query: string): boolean {
  return useSyncExternalStore(
    (onChange) => {
      const list = window.matchMedia(query);
      list.addEventListener('change', onChange);
      return () => list.removeEventListener('change', onChange);
    },
    () => window.matchMedia(query).matches,
    () => false,
  );
}

/** A phone-sized screen: the calendar opens as a list, and the week fits its width. */
export const PHONE_QUERY = '(max-width: 600px)';
