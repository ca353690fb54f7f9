/** The lifecycle of a `Runtime` (a leaf: the state projection and the runtime both import it). */
export type RuntimeState = 'starting' | 'ready' | 'restarting' | 'closed';
