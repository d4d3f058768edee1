-- 0008-indexes.sql
--
-- The collections report (cashier/reports/collections/) reads one business
-- date of txn.
CREATE INDEX txn_business_date ON txn (business_date);

-- Child keys of txn and take: without them a deleted row (a replica undoing
-- a provisional op, docs/sync.md) makes SQLite scan the whole table for its
-- children.
CREATE INDEX txn_voided_by ON txn (voided_by);
CREATE INDEX txn_payment_id ON txn (payment_id);
CREATE INDEX grade_history_take ON grade_history (take_id);
