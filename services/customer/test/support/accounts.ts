import { expect } from 'chai';
import type { ApiClient } from '@commerce/shared/testing';
import { uniqueEmail } from './harness.js';

export interface Account {
  id: string;
  email: string;
  password: string;
  accessToken: string;
  refreshToken: string;
}

/** Registers and signs in a fresh customer through the API. */
export async function signedUpCustomer(api: ApiClient, password = 'correct-horse-battery'): Promise<Account> {
  const email = uniqueEmail();
  const registered = await api.post<{ id: string }>('/api/v1/auth/register', { email, password, name: 'Test Customer' });
  expect(registered.status).to.equal(201);
  const login = await api.post<{ accessToken: string; refreshToken: string }>('/api/v1/auth/login', { email, password });
  expect(login.status).to.equal(200);
  return { id: registered.body.id, email, password, ...login.body };
}
