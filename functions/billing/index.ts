// Cost reports: a tenant's bill folded from the ledger entries of its resources.
export * from './bill.ts'
