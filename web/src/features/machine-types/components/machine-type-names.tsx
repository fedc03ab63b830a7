// Gives the whole app the machine types and their names (GET /api/machine-types), so that every
// screen that names a type (lib/names) uses the names administrators gave it.
import type { ReactNode } from 'react';
import { MachineTypesContext } from '../../../lib/names';
import { useMachineTypes } from '../api/get-machine-types';

const NONE: never[] = [];

export function MachineTypeNamesProvider({ children }: { children: ReactNode }) {
  const types = useMachineTypes();
  return <MachineTypesContext value={types.data ?? NONE}>{children}</MachineTypesContext>;
}
