import { BrowserRouter, Navigate, Route, Routes } from 'react-router';
import { AppShell } from './layout/app-shell';
import NotAllowedPage from './not-allowed-page';
import NotFoundPage from './not-found-page';
import { PAGES, navigationFor, type PageDefinition } from './pages';
import { roleMay } from './session/permissions';
import { RequireSession } from './session/require-session';
import { SessionProvider, useMe, useSession } from './session/session';
import SignInPage from './sign-in/sign-in-page';

/** '/' opens the page registered for it, else the first navigation entry the person can see. */
function StartPage() {
  const { state } = useSession();
  const first = state.status === 'signed-in' ? navigationFor(state.me.role)[0] : undefined;
  return <Navigate to={first?.path ?? '/customers'} replace />;
}

/** A page for those whose role may open it; anyone else is told so, without the page's calls answering 403. */
function Guarded({ page: { component: PageComponent, permission } }: { page: PageDefinition }) {
  const me = useMe();
  return roleMay(me.role, permission) ? <PageComponent /> : <NotAllowedPage />;
}

export function App() {
  const hasStartPage = PAGES.some((page) => page.path === '/');
  return (
    <SessionProvider>
      <BrowserRouter>
        <Routes>
          <Route path="/sign-in" element={<SignInPage />} />
          <Route
            element={
              <RequireSession>
                <AppShell />
              </RequireSession>
            }
          >
            {!hasStartPage && <Route index element={<StartPage />} />}
            {PAGES.map((page) => (
              <Route key={page.path} path={page.path} element={<Guarded page={page} />} />
            ))}
            <Route path="*" element={<NotFoundPage />} />
          </Route>
        </Routes>
      </BrowserRouter>
    </SessionProvider>
  );
}
