import { Component, type ErrorInfo, type ReactNode } from 'react';
import { ErrorState } from '../components/states';

/** Catches a page that throws while rendering, so the rest of the app keeps working. */
export class ErrorBoundary extends Component<{ children: ReactNode }, { error: unknown }> {
  override state: { error: unknown } = { error: null };

  static getDerivedStateFromError(error: unknown) {
    return { error };
  }

  override componentDidCatch(error: unknown, info: ErrorInfo) {
    console.error('A page failed to render', error, info.componentStack);
  }

  override render() {
    if (this.state.error) {
      return <ErrorState error={this.state.error} title="This page failed to show" onRetry={() => this.setState({ error: null })} />;
    }
    return this.props.children;
  }
}
