/** The email for bench customer n, the same on both sides of the comparison. */
export function benchEmail(n: number): { recipient: string; subject: string; body: string } {
  return {
    recipient: `customer${n}@bench.example`,
    subject: `About your account, Customer${n}`,
    body: `Hi Customer${n},\n\nThe fault affecting your broadband has been fixed. Thank you for bearing with us.\n\nDemo Telecom`,
  };
}
