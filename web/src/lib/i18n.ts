// i18next with both catalogues bundled: they are small, and the first paint needs one of them.
import { LOCALES, type Locale } from '@fablab/shared';
import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import en from '../locales/en.json';
import vi from '../locales/vi.json';

const KEY = 'fablab.locale';

/** Each language by its own name, as a language switch offers them. */
export const LOCALE_NAMES: Record<Locale, string> = { vi: 'Tiếng Việt', en: 'English' };

function storedLocale(): Locale {
  try {
    const value = localStorage.getItem(KEY);
    if (value && (LOCALES as readonly string[]).includes(value)) return value as Locale;
  } catch {
    // Blocked storage: Vietnamese, the default.
  }
  return 'vi';
}

export const i18n = i18next.createInstance();

void i18n.use(initReactI18next).init({
  resources: { vi: { translation: vi }, en: { translation: en } },
  lng: storedLocale(),
  fallbackLng: 'vi',
  supportedLngs: [...LOCALES],
  interpolation: { escapeValue: false },
  returnNull: false,
  initAsync: false,
});
document.documentElement.lang = i18n.language;

export function currentLocale(): Locale {
  return (LOCALES as readonly string[]).includes(i18n.language) ? (i18n.language as Locale) : 'vi';
}

/** Switches the interface language and remembers the choice on this device. */
export async function setLocale(locale: Locale): Promise<void> {
  try {
    localStorage.setItem(KEY, locale);
  } catch {
    // See storedLocale().
  }
  await i18n.changeLanguage(locale);
  document.documentElement.lang = locale;
}
