// Schemas of the stats slice of the API contract.
export {};
