import { lazy, type ComponentType } from 'react';
import type { IconName } from './components/icons';
import { roleMay, type PermissionName } from './session/permissions';

/**
 * Every page of the signed-in app, in one list. A capability adds its pages here: a path,
 * the component (loaded on demand, as the default export of its module), the permission a
 * person needs to open it and, for a page that belongs in the navigation, its label, icon
 * and position. See web/README.md.
 */
export interface PageDefinition {
  /** React Router path, e.g. '/cases' or '/cases/:id'. '/' replaces the default start page. */
  path: string;
  component: ComponentType;
  /**
   * What a person needs to open the page: the permission of the API calls it makes on opening.
   * Anyone else, following a link, is told the page is not for their role.
   */
  permission: PermissionName;
  nav?: {
    label: string;
    icon: IconName;
    /** Position in the navigation, smallest first. */
    order: number;
    /**
     * Shown only to those who may also do this; for an editor, the permission to edit (others
     * can still open it by a link, and see it read-only). The API still checks every call.
     */
    permission?: PermissionName;
  };
}

export const PAGES: PageDefinition[] = [
  {
    path: '/customers',
    component: lazy(() => import('./customers/search-page')),
    permission: 'canReadCustomers',
    nav: { label: 'Customers', icon: 'users', order: 20 },
  },
  { path: '/customers/:id', component: lazy(() => import('./customers/customer-page')), permission: 'canReadCustomers' },
  {
    path: '/messages',
    component: lazy(() => import('./messages/outbox-page')),
    permission: 'canReadCustomers',
    nav: { label: 'Outbox', icon: 'message', order: 60 },
  },
  {
    path: '/messages/templates',
    component: lazy(() => import('./messages/templates-page')),
    permission: 'canReadCustomers',
    nav: { label: 'Templates', icon: 'mail', order: 61, permission: 'canManageMessageTemplates' },
  },
  {
    path: '/cases',
    component: lazy(() => import('./service/inbox-page')),
    permission: 'canReadService',
    nav: { label: 'Inbox', icon: 'inbox', order: 25, permission: 'canWorkCases' },
  },
  { path: '/cases/:id', component: lazy(() => import('./service/case-page')), permission: 'canReadService' },
  {
    path: '/service',
    component: lazy(() => import('./service/dashboard-page')),
    permission: 'canReadService',
    nav: { label: 'Service', icon: 'chart', order: 30 },
  },
  {
    path: '/follow-ups',
    component: lazy(() => import('./feedback/follow-ups-page')),
    permission: 'canReadCustomers',
    nav: { label: 'Follow-ups', icon: 'phone', order: 26, permission: 'canWorkCases' },
  },
  {
    path: '/surveys',
    component: lazy(() => import('./feedback/surveys-page')),
    permission: 'canReadCustomers',
    nav: { label: 'Surveys', icon: 'star', order: 62, permission: 'canManageSurveys' },
  },
  {
    path: '/feedback',
    component: lazy(() => import('./feedback-metrics/dashboard-page')),
    permission: 'canReadFeedbackMetrics',
    nav: { label: 'Feedback', icon: 'star', order: 40 },
  },
  {
    path: '/giving',
    component: lazy(() => import('./giving/giving-page')),
    permission: 'canReadLoyalty',
    nav: { label: 'Giving', icon: 'gift', order: 50 },
  },
  {
    path: '/loyalty',
    component: lazy(() => import('./loyalty/loyalty-page')),
    permission: 'canReadLoyalty',
    nav: { label: 'Loyalty', icon: 'star', order: 51 },
  },
];

type NavEntry = PageDefinition & { nav: NonNullable<PageDefinition['nav']> };

/** The navigation entries a role sees, in order. */
export function navigationFor(role: string): NavEntry[] {
  return PAGES.filter((page): page is NavEntry => page.nav !== undefined)
    .filter((page) => roleMay(role, page.permission) && (!page.nav.permission || roleMay(role, page.nav.permission)))
    .sort((a, b) => a.nav.order - b.nav.order);
}

/**
 * The one entry to highlight for an address: the page with the longest path the address is in,
 * so /messages/templates is Templates (not also Outbox) and /customers/cus_… is Customers; none
 * when that page is not among the role's entries (an editor opened read-only by a link).
 */
export function currentEntry(entries: NavEntry[], pathname: string): NavEntry | undefined {
  const within = (path: string) => pathname === path || pathname.startsWith(path.endsWith('/') ? path : `${path}/`);
  const page = PAGES.filter((p) => p.nav && within(p.path)).sort((a, b) => b.path.length - a.path.length)[0];
  return entries.find((entry) => entry === page);
}
