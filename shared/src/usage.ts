// Schemas of the usage slice of the API contract.
export {};
