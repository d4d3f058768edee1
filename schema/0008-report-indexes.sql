-- 0008-report-indexes.sql
--
-- The collections report (cashier/reports/collections/) reads one business
-- date of txn.
CREATE INDEX txn_business_date ON txn (business_date);
