-- Consume table syntheticgeneraldata_consume.policydata: one row per policy with its claim totals.
-- Claims (SyntheticGeneralData/ClaimData) must be loaded before the policies.
SELECT
    p.PolicyNumber,
    p.PolicyKey,
    p.EffectiveDate,
    p.ExpirationDate,
    p.PolicyMonths,
    p.LOB,
    p.LineOfBusiness,
    p.NewOrRenewal,
    p.InsuredCompanyName,
    p.InsuredIndustry,
    p.InsuredSector,
    p.InsuredCity,
    p.InsuredStateMerge AS InsuredState,
    p.Territory,
    p.RatingClass,
    p.ReportingSegment,
    p.DistributionChannel,
    p.AgentName,
    p.WrittenPremiumAmount,
    p.EarnedPremiumToDate,
    p.CommissionAmount,
    p.EarnedPremiumToDate * 36 AS ClaimLimit,
    COALESCE(c.ClaimCount, 0) AS ClaimCount,
    COALESCE(c.IncurredAmount, 0) AS IncurredAmount,
    CASE
        WHEN p.EarnedPremiumToDate > 0 THEN ROUND(COALESCE(c.IncurredAmount, 0) / p.EarnedPremiumToDate, 4)
    END AS LossRatio,
    p.GenerationDate AS policies_last_updated,
    c.LastUpdated AS claims_last_updated,
    p.year,
    p.month,
    p.day
FROM syntheticgeneraldata.policydata p
LEFT JOIN (
    SELECT
        PolicyNumber,
        COUNT(*) AS ClaimCount,
        SUM(AccidentYearTotalIncurredAmount) AS IncurredAmount,
        MAX(GenerationDate) AS LastUpdated
    FROM syntheticgeneraldata.claimdata
    GROUP BY PolicyNumber
) c ON p.PolicyNumber = c.PolicyNumber
