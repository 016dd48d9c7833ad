import type { Phrasebook } from './types.ts';

export const en: Phrasebook = {
  customer: {
    question: [
      'Hi! Does the {product} work with Android?',
      'What time does the {city} store close today?',
      'How do I activate the warranty on my {product}?',
      'does the discount code work on sale items?',
    ],
    technical_issue: [
      'The {brand} app keeps crashing when I open my cart, help',
      'My {product} won’t turn on after the update 😩',
      'Can’t log in since yesterday, says "error 500"',
      'My {product} drops wifi every 10 min, is that normal??',
    ],
    order: [
      'Order {order} still not here after {days} days, where is it?',
      'Courier says delivered but nothing at my door 🤔 order {order}',
      'You charged me twice for order {order}!!',
      'Returned it {days} days ago and still no refund',
    ],
    pre_purchase: [
      'Thinking of getting the {product}, how long does the battery really last?',
      'Will the {product} be back in stock before Christmas?',
      'Do you offer installments on the {product}?',
      'If I order today will it arrive by Friday in {city}?',
    ],
    complaint: [
      'Worst customer service ever. Waiting {days} days for an answer. Shame',
      'Never buying {brand} again. Cheap product and worse support',
      'Nobody answers the phone?? Ridiculous',
      'My {product} broke after two weeks. Waste of money 😡',
    ],
    praise: [
      'The {product} is amazing, love it ❤️',
      'Thanks {brand}! Super fast delivery',
      'Support was top, fixed everything in 5 min 👍',
      'Great staff at the {city} store, thank you!',
    ],
    spam: [
      'Make $500 a day from home!!! DM me 💰💰',
      'FOLLOW @{handle} for free followers 🔥🔥',
      'Win a free iPhone click here bit.ly/x{order}',
    ],
    abuse: ['You are thieves and scammers, go to hell', 'Incompetent idiots, who hired you??'],
    other: ['Who’s at the {brand} gig in {city} tonight? 🎶', 'Nice new ad!', '@{handle} look at this'],
  },
  nudge: ['??', 'Hello?', 'Still no answer...', 'Anyone there?', 'Still waiting 🙄'],
  thanks: ['Thanks a lot, sorted!', 'Perfect, thank you 🙏', 'All good now, cheers', 'Got it, thanks!'],
  unhappy: ['That didn’t help at all', 'Copy-paste answer, thanks for nothing', 'Already tried that, doesn’t work'],
  followUp: [
    'How much longer?',
    'Ok and what about the refund?',
    'Do I need to send the receipt too?',
    'Done, now what?',
  ],
  reopen: ['Sorry but the problem is back', 'Same error again 😤', 'Refund never arrived, reopening'],
  editTail: [' (EDIT: typos)', ' EDIT: order {order}', ' — update: still nothing', ' EDIT: fixed itself'],
  crisis: {
    outage: [
      '{brand} app down again?? #{brand}down',
      'Nothing works since this morning, {brand} what is going on?',
      'Site and app down, can’t pay 😡 #{brand}down',
    ],
    delivery_delays: [
      'Orders stuck for a week, {brand} shame on you',
      'Anyone else with a stuck order? #{brand}',
      'Late deliveries for everyone and no notice. Ridiculous',
    ],
    price_increase: [
      '20% price hike without notice? Cancelling now',
      'What are these prices {brand}?',
      'Bye {brand}, too expensive now #boycott{brand}',
    ],
    data_breach: [
      'Getting phishing emails with my order details, did you leak our data??',
      'Data breach and no official statement. Shame on you {brand}',
      'Change your passwords, {brand} got hacked 😱',
    ],
    bad_campaign: [
      'This ad is offensive, pull it',
      'Who approved this commercial? Embarrassing #{brand}',
      'Not buying {brand} after this ad',
    ],
  },
  brand: {
    reply: {
      question: ['Hi! Yes, it is compatible 🙂 Details are on our site.', 'Hi, we sent you a DM with all the info!'],
      technical_issue: [
        'Hi, sorry about that! Try restarting the app and DM us your phone model.',
        'Hi, we’re looking into it. Can you DM us the app version?',
      ],
      order: [
        'Hi, sorry for the delay! Can you DM us your order number?',
        'Hi, we checked: your parcel is out for delivery tomorrow.',
      ],
      pre_purchase: ['Hi! Battery lasts about two days with normal use 🔋', 'Hi, yes: 3 interest-free installments!'],
      complaint: [
        'We’re really sorry about this. Can you DM us so we can fix it?',
        'Hi, we understand your frustration. We’re contacting you privately now.',
      ],
      praise: ['Thank you so much! ❤️', 'Love to hear it, thanks! 😊'],
      other: ['Thanks for the comment! 😊'],
    },
    crisis: [
      'Hi, we are aware of the issue and working on it. Updates soon.',
      'Sorry for the trouble: our tech team is on it. We’ll update here.',
    ],
    followUp: [
      'Hi, it takes another 2-3 business days.',
      'Yes, the confirmation email is enough.',
      'Perfect, we have everything. Update by tomorrow.',
    ],
    escalated: [
      'Hi, I’m from the specialist team: we’ve taken your case.',
      'Hi, your case was escalated, we’ll call you today.',
    ],
    bot: [
      'Thanks for your message! An agent will reply as soon as possible.',
      'Message received 🤖 Support hours: Mon-Fri 9-18.',
    ],
  },
  slang: ['lol', 'tbh', 'smh', 'ngl', 'fr', 'ugh'],
};
