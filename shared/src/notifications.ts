// Schemas of the notifications slice of the API contract.
export {};
