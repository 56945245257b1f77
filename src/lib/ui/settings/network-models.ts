/**
 * The user's "network models" switch, kept in this browser's localStorage (a page setting: the
 * worker forgets it on reload and is told again at startup). Off unless the user turned it on.
 */
const KEY = 'dam.networkModels';

export function networkModelsSetting(): boolean {
  try {
    return localStorage.getItem(KEY) === 'on';
  } catch {
    return false;
  }
}

export function saveNetworkModelsSetting(enabled: boolean): void {
  try {
    localStorage.setItem(KEY, enabled ? 'on' : 'off');
  } catch {
    // Storage refused (private mode): the switch lasts until the page closes.
  }
}
