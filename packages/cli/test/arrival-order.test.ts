import { arrivalOrder } from '../src/commands/run';

test('files are sent day by day across source systems, undated files last, then by path', () => {
  const files = [
    'Customer/C25/2024/03/02/day2.csv',
    'Customer/A01/2024/03/02/day2.csv',
    'SyntheticGeneralData/PolicyData/policies.csv',
    'Customer/F15/2024/03/01/day1.csv',
    'Customer/A01/2024/03/01/day1.csv',
    'SyntheticGeneralData/ClaimData/claims.csv',
    'Customer/C25/2024/3/1/day1.csv',
  ];
  expect(arrivalOrder(files)).toEqual([
    'Customer/A01/2024/03/01/day1.csv',
    'Customer/C25/2024/3/1/day1.csv',
    'Customer/F15/2024/03/01/day1.csv',
    'Customer/A01/2024/03/02/day2.csv',
    'Customer/C25/2024/03/02/day2.csv',
    'SyntheticGeneralData/ClaimData/claims.csv',
    'SyntheticGeneralData/PolicyData/policies.csv',
  ]);
});
