import { QueryClientProvider } from '@tanstack/react-query';
import { useState } from 'react';
import { I18nextProvider } from 'react-i18next';
import { RouterProvider } from 'react-router';
import { MachineTypeNamesProvider } from '../features/machine-types/components/machine-type-names';
import { i18n } from '../lib/i18n';
import { createQueryClient } from '../lib/query-client';
import { router } from './router';

export function App() {
  const [queryClient] = useState(createQueryClient);
  return (
    <I18nextProvider i18n={i18n}>
      <QueryClientProvider client={queryClient}>
        <MachineTypeNamesProvider>
          <RouterProvider router={router} />
        </MachineTypeNamesProvider>
      </QueryClientProvider>
    </I18nextProvider>
  );
}
