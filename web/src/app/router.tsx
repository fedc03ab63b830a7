// Pages beyond the shell are split out with React.lazy: the calendar brings react-big-calendar,
// the dashboard recharts, and the manager and admin screens are for few people.
import { lazy } from 'react';
import { createBrowserRouter } from 'react-router';
import { AppLayout } from './layout';
import { LabsPage } from './routes/labs-page';
import { NotFoundPage, RouteErrorPage } from './routes/not-found-page';
import { NotificationsPage } from './routes/notifications-page';
import { GuardianConsentPage } from './routes/guardian-consent-page';
import { ForgotPasswordPage, ResetPasswordPage, SetPasswordPage } from './routes/password-reset-pages';
import { RegisterPage } from './routes/register-page';
import { SignInPage } from './routes/sign-in-page';

const LabCalendarPage = lazy(() => import('./routes/lab-calendar-page'));
const MyBookingsPage = lazy(() => import('./routes/my-bookings-page'));
const ManageArea = lazy(() => import('./routes/manage/manage-area'));
const DashboardPage = lazy(() => import('./routes/dashboard-page'));
const AdminArea = lazy(() => import('./routes/admin-area'));
const AuditPage = lazy(() => import('./routes/audit-page'));
const MachinePage = lazy(() => import('./routes/machine-page'));
const ProfilePage = lazy(() => import('./routes/profile-page'));

export const router = createBrowserRouter([
  {
    element: <AppLayout />,
    errorElement: <RouteErrorPage />,
    children: [
      { index: true, element: <LabsPage /> },
      { path: 'sign-in', element: <SignInPage /> },
      { path: 'register', element: <RegisterPage /> },
      { path: 'forgot-password', element: <ForgotPasswordPage /> },
      { path: 'reset-password', element: <ResetPasswordPage /> },
      { path: 'set-password', element: <SetPasswordPage /> },
      { path: 'guardian-consent/:token', element: <GuardianConsentPage /> },
      { path: 'notifications', element: <NotificationsPage /> },
      { path: 'labs/:labId', element: <LabCalendarPage /> },
      { path: 'my', element: <MyBookingsPage /> },
      { path: 'profile', element: <ProfilePage /> },
      { path: 'manage/*', element: <ManageArea /> },
      { path: 'dashboard', element: <DashboardPage /> },
      { path: 'admin/*', element: <AdminArea /> },
      { path: 'audit', element: <AuditPage /> },
      { path: 'm/:machineId', element: <MachinePage /> },
      { path: '*', element: <NotFoundPage /> },
    ],
  },
]);
