import { downloadDelivery as envelope } from '@mts/envelope';
import type { Delivery } from '../delivery.js';

/** `deliverytype: download`: the stored output is the delivery, served by GET authtoken/file/{id}. */
export const downloadDelivery: Delivery = { deliverytype: 'download', envelope };
