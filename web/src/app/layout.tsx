import { LOCALES, type Locale } from '@fablab/shared';
import { Suspense, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { NavLink, Outlet, useLocation, useNavigate } from 'react-router';
import { Loading } from '../components/ui/states';
import { NotificationBell } from '../features/notifications/components/notification-bell';
import { canSeeStats, useLogout, useSessionReset, useUpdateMe, useUser } from '../lib/auth';
import { LOCALE_NAMES, setLocale } from '../lib/i18n';

function LanguageSwitch() {
  const { t, i18n } = useTranslation();
  const { data: user } = useUser();
  const updateMe = useUpdateMe();
  async function choose(locale: Locale) {
    await setLocale(locale);
    if (user && user.locale !== locale) updateMe.mutate({ locale });
  }
  return (
    <div className="language-switch" role="group" aria-label={t('nav.language')}>
      {LOCALES.map((locale) => (
        <button
          key={locale}
          type="button"
          lang={locale}
          className="lang-button"
          aria-pressed={i18n.language === locale}
          onClick={() => void choose(locale)}
        >
          {LOCALE_NAMES[locale]}
        </button>
      ))}
    </div>
  );
}

function MainNav({ onNavigate }: { onNavigate: () => void }) {
  const { t } = useTranslation();
  const { data: user } = useUser();
  const managesSomething =
    !!user && (user.role === 'admin' || (user.role === 'manager' && user.managedLabIds.length > 0));
  const link = (to: string, label: string, end = false) => (
    <li>
      <NavLink to={to} end={end} onClick={onNavigate}>
        {label}
      </NavLink>
    </li>
  );
  return (
    <ul className="nav-links">
      {link('/', t('nav.labs'), true)}
      {user && link('/my', t('nav.myBookings'))}
      {managesSomething && link('/manage', t('nav.manage'))}
      {user?.role === 'department' && link('/manage', t('nav.upkeep'))}
      {canSeeStats(user) && link('/dashboard', t('nav.dashboard'))}
      {user?.role === 'admin' && link('/admin', t('nav.admin'))}
    </ul>
  );
}

/**
 * After a move to another page, focus goes to its heading, so that a screen reader reads where
 * one is and Tab starts from there. Pages load lazily: the heading is awaited a little.
 */
function useFocusHeadingOnNavigation(pathname: string) {
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    const main = document.getElementById('main');
    if (!main) return;
    let done = false;
    const focus = () => {
      const heading = main.querySelector<HTMLElement>('h1');
      if (!heading || done) return false;
      done = true;
      if (!heading.hasAttribute('tabindex')) heading.tabIndex = -1;
      heading.focus({ preventScroll: false });
      return true;
    };
    if (focus()) return;
    const observer = new MutationObserver(() => {
      if (focus()) observer.disconnect();
    });
    observer.observe(main, { childList: true, subtree: true });
    const timer = setTimeout(() => observer.disconnect(), 5000);
    return () => {
      observer.disconnect();
      clearTimeout(timer);
    };
  }, [pathname]);
}

export function AppLayout() {
  const { t } = useTranslation();
  const { data: user } = useUser();
  const logout = useLogout();
  const navigate = useNavigate();
  const location = useLocation();
  const [menuOpen, setMenuOpen] = useState(false);
  useSessionReset();
  useFocusHeadingOnNavigation(location.pathname);

  useEffect(() => {
    document.title = t('app.title');
  }, [t]);

  return (
    <div className="app">
      <a className="skip-link" href="#main">
        {t('nav.skip')}
      </a>
      <header className="app-header">
        <div className="header-row">
          <NavLink to="/" className="brand">
            {t('app.name')}
          </NavLink>
          <button
            type="button"
            className="menu-toggle"
            aria-expanded={menuOpen}
            aria-controls="main-nav"
            onClick={() => setMenuOpen((o) => !o)}
          >
            {t('nav.menu')}
          </button>
          <nav id="main-nav" aria-label={t('nav.main')} className={menuOpen ? 'main-nav open' : 'main-nav'}>
            <MainNav onNavigate={() => setMenuOpen(false)} />
            <div className="nav-tools">
              <LanguageSwitch />
              {user ? (
                <div className="account">
                  <NavLink to="/profile" className="account-name" title={user.email} onClick={() => setMenuOpen(false)}>
                    <span className="visually-hidden">{t('nav.profile')}: </span>
                    {user.fullName}
                  </NavLink>
                  <button
                    type="button"
                    className="button button-small"
                    onClick={() => {
                      logout();
                      setMenuOpen(false);
                      void navigate('/');
                    }}
                  >
                    {t('auth.signOut')}
                  </button>
                </div>
              ) : (
                <div className="account">
                  <NavLink
                    className="button button-small button-primary"
                    to={`/sign-in?next=${encodeURIComponent(location.pathname + location.search)}`}
                    onClick={() => setMenuOpen(false)}
                  >
                    {t('auth.signIn')}
                  </NavLink>
                  <NavLink className="button button-small" to="/register" onClick={() => setMenuOpen(false)}>
                    {t('auth.register')}
                  </NavLink>
                </div>
              )}
            </div>
          </nav>
          {user && <NotificationBell />}
        </div>
      </header>
      <main id="main" className="app-main" tabIndex={-1}>
        <Suspense fallback={<Loading />}>
          <Outlet />
        </Suspense>
      </main>
    </div>
  );
}
