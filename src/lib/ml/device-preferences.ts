import type { ExecutionDevice } from './model-types';

/** Which device each model runs on: the user's override, else what timing chose. Persistent where the host allows. */
export interface DevicePreferenceStore {
  get(modelKey: string): Promise<StoredDevicePreference | null>;
  set(modelKey: string, preference: StoredDevicePreference | null): Promise<void>;
}

export interface StoredDevicePreference {
  readonly device: ExecutionDevice;
  /** `user`: chosen in Settings; `timed`: the faster device on a trial batch. */
  readonly chosenBy: 'user' | 'timed';
  /** Milliseconds per trial batch on each device, when timed. */
  readonly timings?: Readonly<Partial<Record<ExecutionDevice, number>>>;
}

export function memoryDevicePreferences(): DevicePreferenceStore {
  const entries = new Map<string, StoredDevicePreference>();
  return {
    get: (key) => Promise.resolve(entries.get(key) ?? null),
    set(key, preference) {
      if (preference) entries.set(key, preference);
      else entries.delete(key);
      return Promise.resolve();
    },
  };
}
