-- Consume table customer_consume.a01: customers of source system A01, the input of entity match
-- (Customer-entitymatch.json merges them into customer_consume.customer_primary).
SELECT
    customerno,
    partytype,
    firstname,
    lastname,
    gender,
    customerdob,
    maritalstatus,
    annualincome,
    occupation,
    phonenumber,
    email,
    addressstreet,
    city,
    state,
    zip,
    country,
    lastupdated,
    srcsystemid,
    execution_id,
    year,
    month,
    day
FROM customer.a01
