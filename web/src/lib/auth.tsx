// The session: the token in localStorage, GET /api/me for who is signed in, and the guards
// the router puts in front of pages that need a role.
import type { AuthResponse, LoginBody, RegisterBody, Role, UpdateMeBody, User } from '@fablab/shared';
import { QueryClient, queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useSyncExternalStore, type ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router';
import { apiRequest } from './api-client';
import { sharedKeys } from './query-keys';
import { getToken, setToken, subscribeToken } from './token-store';

export const authKeys = {
  all: [...sharedKeys.auth, 'me'] as const,
  me: (token: string | null) => [...sharedKeys.auth, 'me', token ? 'signed-in' : 'anonymous'] as const,
};

/** Everything but labs and machines (public) and who is signed in (re-read) belongs to one session. */
function belongsToSession(query: { queryKey: readonly unknown[] }): boolean {
  const root = query.queryKey[0];
  return root !== sharedKeys.labs[0] && root !== sharedKeys.auth[0] && root !== sharedKeys.public[0];
}

export function useToken(): string | null {
  return useSyncExternalStore(subscribeToken, getToken, () => null);
}

export function meQueryOptions(token: string | null) {
  return queryOptions({
    queryKey: authKeys.me(token),
    queryFn: ({ signal }) => (token ? apiRequest<User>('/me', { signal }) : Promise.resolve(null)),
    staleTime: 60_000,
  });
}

/** The signed-in user, or null. `isPending` is true only while a token is being checked. */
export function useUser() {
  const token = useToken();
  return useQuery(meQueryOptions(token));
}

function signedIn(queryClient: QueryClient, token: string, user: User): Promise<void> {
  queryClient.setQueryData(authKeys.me(token), user);
  setToken(token);
  // Whatever was loaded anonymously (or as someone else) may now read differently.
  return queryClient.invalidateQueries({ predicate: (q) => q.queryKey[0] !== sharedKeys.auth[0] });
}

export function useLogin() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: LoginBody) => apiRequest<AuthResponse>('/auth/login', { method: 'POST', body }),
    onSuccess: ({ token, user }) => signedIn(queryClient, token, user),
  });
}

export function useRegister() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: RegisterBody) => apiRequest<AuthResponse>('/auth/register', { method: 'POST', body }),
    onSuccess: ({ token, user }) => signedIn(queryClient, token, user),
  });
}

export function useLogout() {
  const queryClient = useQueryClient();
  return () => {
    setToken(null);
    // Labs and machines are public; everything else belonged to the person who left.
    queryClient.removeQueries({ predicate: belongsToSession });
  };
}

export function useUpdateMe() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: UpdateMeBody) => apiRequest<User>('/me', { method: 'PATCH', body }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: authKeys.all }),
  });
}

/** Drops every cached answer when the session ends elsewhere (401, another tab). */
export function useSessionReset(): void {
  const queryClient = useQueryClient();
  const token = useToken();
  useEffect(() => {
    if (!token) queryClient.removeQueries({ predicate: belongsToSession });
  }, [token, queryClient]);
  useEffect(() => {
    const onStorage = (event: StorageEvent) => {
      if (event.key === 'fablab.token') setToken(event.newValue);
    };
    window.addEventListener('storage', onStorage);
    return () => window.removeEventListener('storage', onStorage);
  }, []);
}

export function isLabManager(user: User | null | undefined, labId: string): boolean {
  if (!user) return false;
  return user.role === 'admin' || (user.role === 'manager' && user.managedLabIds.includes(labId));
}

/**
 * What a user may change of a lab (PATCH /api/labs/:id is the administrators' today; a lab's
 * managers add and remove its closures). The forms offer only this.
 */
/** What the server lets this user save of a lab: its managers the hours, settings and closures; admins everything. */
export function labEditRights(user: User | null | undefined, labId: string) {
  const admin = user?.role === 'admin';
  const manages = isLabManager(user, labId);
  return { identity: admin, rules: admin || manages, closures: manages };
}

export function canSeeStats(user: User | null | undefined): boolean {
  return !!user && (user.role === 'department' || user.role === 'admin' || user.role === 'manager');
}

interface GuardProps {
  children: ReactNode;
  roles?: Role[];
  fallback: ReactNode;
  forbidden: ReactNode;
}

/** Sends a visitor to sign in, and shows `forbidden` to a user without one of `roles`. */
export function RequireAuth({ children, roles, fallback, forbidden }: GuardProps) {
  const { data: user, isPending } = useUser();
  const location = useLocation();
  if (isPending) return <>{fallback}</>;
  if (!user) {
    const next = encodeURIComponent(location.pathname + location.search);
    return <Navigate to={`/sign-in?next=${next}`} replace />;
  }
  if (roles && !roles.includes(user.role)) return <>{forbidden}</>;
  return <>{children}</>;
}
