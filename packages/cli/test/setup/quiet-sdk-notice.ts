// Jest setup file: the AWS SDK's "needs Node 22 from 2027" notice would otherwise print once per test file.
import { quietSdkNodeVersionNotice } from '../../src/sdk-notice';

quietSdkNodeVersionNotice();
