-- Consume table syntheticlifedata_consume.policydata: active and past life policies with the issue state's name.
SELECT
    policyid,
    policyeffectivedate,
    policyyear,
    productcode,
    policystatus,
    gender,
    issueage,
    smokingclass,
    uwclass,
    issuestate,
    issuestatename,
    sumassured,
    yearlypremium,
    monthlypremium,
    producer,
    year,
    month,
    day
FROM syntheticlifedata.policydata
