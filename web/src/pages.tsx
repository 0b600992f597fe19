import { lazy, type ComponentType } from 'react';
import type { Role } from './api-types';
import type { IconName } from './components/icons';

/**
 * Every page of the signed-in app, in one list. A capability adds its pages here: a path,
 * the component (loaded on demand, as the default export of its module) and, for a page
 * that belongs in the navigation, its label, icon and position. See web/README.md.
 */
export interface PageDefinition {
  /** React Router path, e.g. '/cases' or '/cases/:id'. '/' replaces the default start page. */
  path: string;
  component: ComponentType;
  nav?: {
    label: string;
    icon: IconName;
    /** Position in the navigation, smallest first. */
    order: number;
    /** Only these roles see the entry; everyone when absent. The API still checks every call. */
    roles?: Role[];
  };
}

export const PAGES: PageDefinition[] = [
  {
    path: '/customers',
    component: lazy(() => import('./customers/search-page')),
    nav: { label: 'Customers', icon: 'users', order: 20 },
  },
  { path: '/customers/:id', component: lazy(() => import('./customers/customer-page')) },
  {
    path: '/messages',
    component: lazy(() => import('./messages/outbox-page')),
    nav: { label: 'Outbox', icon: 'message', order: 60 },
  },
  {
    path: '/messages/templates',
    component: lazy(() => import('./messages/templates-page')),
    nav: { label: 'Templates', icon: 'mail', order: 61, roles: ['admin', 'lead'] },
  },
  {
    path: '/cases',
    component: lazy(() => import('./service/inbox-page')),
    nav: { label: 'Inbox', icon: 'inbox', order: 25, roles: ['admin', 'lead', 'agent'] },
  },
  { path: '/cases/:id', component: lazy(() => import('./service/case-page')) },
  {
    path: '/service',
    component: lazy(() => import('./service/dashboard-page')),
    nav: { label: 'Service', icon: 'chart', order: 30 },
  },
  {
    path: '/follow-ups',
    component: lazy(() => import('./feedback/follow-ups-page')),
    nav: { label: 'Follow-ups', icon: 'phone', order: 26, roles: ['admin', 'lead', 'agent'] },
  },
  {
    path: '/surveys',
    component: lazy(() => import('./feedback/surveys-page')),
    nav: { label: 'Surveys', icon: 'star', order: 62, roles: ['admin', 'lead'] },
  },
  {
    path: '/feedback',
    component: lazy(() => import('./feedback-metrics/dashboard-page')),
    nav: { label: 'Feedback', icon: 'star', order: 40, roles: ['admin', 'lead', 'analyst'] },
  },
  {
    path: '/giving',
    component: lazy(() => import('./giving/giving-page')),
    nav: { label: 'Giving', icon: 'gift', order: 50 },
  },
  {
    path: '/loyalty',
    component: lazy(() => import('./loyalty/loyalty-page')),
    nav: { label: 'Loyalty', icon: 'star', order: 51 },
  },
];

/** The navigation entries a role sees, in order. */
export function navigationFor(role: string): Array<PageDefinition & { nav: NonNullable<PageDefinition['nav']> }> {
  return PAGES.filter((page): page is PageDefinition & { nav: NonNullable<PageDefinition['nav']> } => page.nav !== undefined)
    .filter((page) => !page.nav.roles || page.nav.roles.includes(role as Role))
    .sort((a, b) => a.nav.order - b.nav.order);
}
