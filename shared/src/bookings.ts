// Schemas of the bookings slice of the API contract.
export {};
