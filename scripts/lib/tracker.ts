// Placeholder: the SessionTracker is built in issue 3.
export class SessionTracker {}
