import { BrowserRouter, Navigate, Route, Routes } from 'react-router';
import { AppShell } from './layout/app-shell';
import NotFoundPage from './not-found-page';
import { PAGES, navigationFor } from './pages';
import { RequireSession } from './session/require-session';
import { SessionProvider, useSession } from './session/session';
import SignInPage from './sign-in/sign-in-page';

/** '/' opens the page registered for it, else the first navigation entry the person can see. */
function StartPage() {
  const { state } = useSession();
  const first = state.status === 'signed-in' ? navigationFor(state.me.role)[0] : undefined;
  return <Navigate to={first?.path ?? '/customers'} replace />;
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
            {PAGES.map(({ path, component: PageComponent }) => (
              <Route key={path} path={path} element={<PageComponent />} />
            ))}
            <Route path="*" element={<NotFoundPage />} />
          </Route>
        </Routes>
      </BrowserRouter>
    </SessionProvider>
  );
}
